"""The domain: the data, their validation and build, the engines behind one Store protocol; no Flask."""
