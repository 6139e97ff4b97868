/**
 * Files: {@link org.ocs4j.io.ModelFiles} (atomic writes that never replace an input, checksums, the input shape ocs4j
 * stores in a model zip) and {@link org.ocs4j.io.NpyFiles} (NumPy arrays). Loading models is
 * {@link org.ocs4j.imports.ModelLoader}'s.
 */
package org.ocs4j.io;
