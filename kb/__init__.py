"""Sherlog's knowledge base: articles on disk, their typed values, and the Chroma index."""
