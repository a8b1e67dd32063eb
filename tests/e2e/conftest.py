"""End-to-end tests: whole runs of the job, verify and the lifecycle commands, in process or as
subprocesses (marker ``e2e``)."""
