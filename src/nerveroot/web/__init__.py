"""The web page (static/) that `nerveroot serve` serves at /."""
