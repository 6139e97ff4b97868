/**
 * Ready models: {@link org.ocs4j.zoo.ZooModels} (DL4J zoo networks with seeded random weights) and
 * {@link org.ocs4j.zoo.BatchNormCalibration}.
 */
package org.ocs4j.zoo;
