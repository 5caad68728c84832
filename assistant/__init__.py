"""Sherlog's assistant: turns a user's words and logs into a cited, ranked diagnosis."""
