"""The HTTP API: one FastAPI app (`create_app`) serving assessment, interview, Q&A, knowledge and records."""
