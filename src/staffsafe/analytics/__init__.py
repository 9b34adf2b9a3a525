"""Pure analytics core: SPC, rates, funnel limits and disclosure control (no Django)."""
