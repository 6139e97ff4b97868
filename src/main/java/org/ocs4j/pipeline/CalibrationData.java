package org.ocs4j.pipeline;

import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * Calibration batches and what they are — which data, how drawn, batch size — as reports and calibration caches
 * record it. Draw them from training data, not from the data a result is evaluated on.
 *
 * @param batches     the batches (features only are read), resettable for the two calibration passes
 * @param description what they are, e.g. {@code "Fashion-MNIST train (random 128, seed 42), x/255, batches of 32"}
 */
public record CalibrationData(DataSetIterator batches, String description) {

    /**
     * How a description begins when the calibration batches were drawn from the data the result is evaluated on
     * (reports then say so first: the paper calibrates on training images).
     */
    public static final String FROM_EVALUATION_DATA = "the evaluation images themselves (no separate calibration data"
            + " given): ";

    public CalibrationData {
        if (batches == null) {
            throw new IllegalArgumentException("calibration batches are null");
        }
        if (description == null || description.isBlank()) {
            description = "calibration batches given through the API, not described";
        }
    }
}
