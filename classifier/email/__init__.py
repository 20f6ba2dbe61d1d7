"""Email clean-up internals: offset-keeping text building, HTML to text, reply patterns.

The public entry point is :mod:`classifier.email_cleanup`.
"""
