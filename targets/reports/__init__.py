"""Evaluation reports and dashboards: the project self-evaluation report (自评表), the department
report, the monitoring report of a round, built as immutable PDF and Excel files from a data
snapshot, archived, e-mailed to supervisors, and the workspace dashboards."""
