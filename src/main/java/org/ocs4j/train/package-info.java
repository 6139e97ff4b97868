/**
 * Training of the reference models (not part of the quantization path): {@link org.ocs4j.train.ReferenceModels}
 * (the Fashion-MNIST MLN and ResNet, the PTB LSTM language model, seeded) and
 * {@link org.ocs4j.train.FusedLstmLanguageModel} (LSTM language-model training through libnd4j's fused LSTM op).
 */
package org.ocs4j.train;
