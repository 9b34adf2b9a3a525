"""The national staff violence incident data standard as code.

Pure Python with no Django import, so that models, forms, API schemas, the importer and the
published exports all read the same code lists from one place.
"""
