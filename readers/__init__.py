"""Brochure files (text, PDF, HTML, Markdown, Word) read into one document model."""
