"""The natural data set: real messages annotated by reference and whole written messages."""
