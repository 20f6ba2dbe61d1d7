"""Alembic environment: uses the Database handed over by service.db.migrate."""

from __future__ import annotations

from alembic import context

from service.db.models import Base

config = context.config
database = config.attributes["database"]

with database.engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
