// Placeholder entry; replaced by the browser-test work.
