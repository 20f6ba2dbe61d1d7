"""Risk alerts: when a client's level rises, tell a chat webhook and/or e-mail, once per rise.

`check_rise` runs after each counted message and queues an `alert` job; `handle` is that
job's handler (service.jobs). Targets are global settings, overridable per tenant.
"""

from service.alerts.deliver import KIND, handle
from service.alerts.rise import check_rise
from service.alerts.targets import Targets, targets_for

__all__ = ["KIND", "Targets", "check_rise", "handle", "targets_for"]
