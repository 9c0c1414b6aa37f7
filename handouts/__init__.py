"""What the warehouse hands to people, beside the dashboard: the chase list of officers who have
not yet met a mandate (`make chase-list`) and the chief secretary's monthly brief (`make brief`).

Neither is part of the pipeline: they read the published warehouse read-only, like the
dashboard, and a change to them never makes a run rebuild the warehouse.
"""
