"""Prompts, token budgets, model backends, checking and repair; the facade is :mod:`completion.api`."""
