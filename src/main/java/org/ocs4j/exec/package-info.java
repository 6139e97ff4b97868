/**
 * Fast inference for DL4J models (issue 7): {@link org.ocs4j.exec.FastInference} runs a MultiLayerNetwork or
 * ComputationGraph as it is, its plain convolution layers through libnd4j's {@code conv2d} op (oneDNN-backed with
 * the oneDNN natives) instead of DL4J's Java im2col path, every other layer and vertex through DL4J's own code.
 */
package org.ocs4j.exec;
