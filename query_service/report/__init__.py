"""The client report: a completed check told in the attorney's words, rendered as a PDF."""
