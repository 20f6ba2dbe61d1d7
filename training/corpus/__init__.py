"""The project's own labelled helpdesk corpus: language packs, the builder, the loader.

Labels are derived from the sentence pools a message is composed from, so the data
and the labelling guidelines (data/GUIDELINES.md) cannot drift apart.
"""
