/**
 * Ready models: {@link org.ocs4j.zoo.ZooModels} (DL4J zoo networks with seeded random weights, or DL4J's pretrained
 * weights when online) and {@link org.ocs4j.zoo.BatchNormCalibration} (batch-norm statistics of random-weight zoo
 * networks re-estimated on data, so that their activations stay in range).
 */
package org.ocs4j.zoo;
