/**
 * Fast inference for DL4J models: {@link org.ocs4j.exec.FastInference} runs a MultiLayerNetwork or ComputationGraph
 * as it is, its plain convolutions and batch norms through libnd4j ops (oneDNN-backed with the oneDNN natives)
 * instead of DL4J's Java im2col path, every other layer and vertex through DL4J's own code, and can hand every
 * node's output to an observer as it is produced (calibration reads it);
 * {@link org.ocs4j.exec.FastRecurrentInference} runs LSTM language models through the fused {@code lstmLayer} op.
 */
package org.ocs4j.exec;
