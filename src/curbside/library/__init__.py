"""The library: readers turn files into documents, chunking cuts passages, ingest stores."""
