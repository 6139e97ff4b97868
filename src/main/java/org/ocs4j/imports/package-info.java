/**
 * Models from files and other frameworks as DL4J networks: {@link org.ocs4j.imports.ModelLoader} (any supported
 * file), Keras HDF5 ({@link org.ocs4j.imports.KerasModels}) and TF-slim MobileNet v1 frozen graphs rebuilt from DL4J
 * layers ({@link org.ocs4j.imports.TfMobileNetV1}).
 */
package org.ocs4j.imports;
