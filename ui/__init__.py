"""Sherlog's front ends: they parse input, call the assistant and render an Answer."""
