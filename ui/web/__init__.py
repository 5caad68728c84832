"""The Streamlit chat page: ``streamlit run ui/web/app.py`` (``sherlog page`` / ``make run``)."""
