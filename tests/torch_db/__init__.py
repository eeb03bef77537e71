"""The differential harness: torch's own test databases (op_db, module_db, optim_db) run through
ember; scripts/torch_coverage.py writes the outcomes to docs/torch-coverage.md."""
