"""Write-back: tags and an internal note on the helpdesk conversation a flagged message came
from (Chatwoot, Zammad), carried by the job queue (service.jobs)."""
