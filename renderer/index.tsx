// Placeholder entry; replaced by the renderer work.
