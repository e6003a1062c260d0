// Placeholder entry; replaced by the CLI work.
