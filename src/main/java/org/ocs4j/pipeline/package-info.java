/**
 * The quantization flow as stages over one model: {@link org.ocs4j.pipeline.OcsConfig} (the one validated
 * configuration), {@link org.ocs4j.pipeline.Pipeline} (activation OCS → plan splits → widen → quantize weights →
 * insert activation quantizers → calibrate), each stage a small {@link org.ocs4j.pipeline.Stage} reading and advancing
 * a {@link org.ocs4j.pipeline.Work}, and the one {@link org.ocs4j.pipeline.Calibrator} over calibration batches.
 */
package org.ocs4j.pipeline;
