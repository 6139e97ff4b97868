package org.ocs4j.split;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A widened weight tensor and the plan that produced it.
 *
 * @param weights the widened tensor: input-channel axis of size {@code C + k}
 * @param plan    which channels were split and what each appended channel copies
 */
public record SplitResult(INDArray weights, SplitPlan plan) {
}
