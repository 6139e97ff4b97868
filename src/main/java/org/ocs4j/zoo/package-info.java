/**
 * Ready models: {@link org.ocs4j.zoo.ZooModels} (DL4J zoo networks with seeded random weights, or DL4J's pretrained
 * weights when online), {@link org.ocs4j.zoo.BatchNormCalibration}, and the Fashion-MNIST reference models ocs4j
 * trains reproducibly ({@link org.ocs4j.train.ReferenceModels}).
 */
package org.ocs4j.zoo;
