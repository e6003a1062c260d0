// Placeholder entry; replaced by the preload work.
