// Placeholder entry; replaced by the HSM worker work.
