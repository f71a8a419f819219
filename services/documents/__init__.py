"""Customer documents: rendered to PDF from events (WeasyPrint), stored, served one by one or zipped."""
