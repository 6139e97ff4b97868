/**
 * Fixed-point simulation: {@link org.ocs4j.quant.FixedPointGrid} (signed/unsigned, per tensor or per channel,
 * round-half-to-even). Clip estimators, calibration and fake-quant layers are still to come (issue 3).
 */
package org.ocs4j.quant;
