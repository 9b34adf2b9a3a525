"""StaffSafe: record, understand and reduce violence, aggression and abuse against NHS staff."""

__version__ = "0.1.0"
