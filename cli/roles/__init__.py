"""One module per process of the distributed deployment; each imports only its own service."""
