"""News from the department registry for the apps above it (they hold rows by department)."""

from django.dispatch import Signal

# Sent inside merge_department's transaction, before ``source`` is deleted, with
# ``source`` and ``target``: each app moves its own rows from source to target.
department_merging = Signal()
