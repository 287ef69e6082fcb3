"""The attorneys' web app: a small browser client of the command and query APIs."""
