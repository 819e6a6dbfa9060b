"""The user guide and glossary, shipped in resources/help and opened with F1."""
