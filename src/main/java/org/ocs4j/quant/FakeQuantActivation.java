package org.ocs4j.quant;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Rint;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Fake quantization as a DL4J activation function: {@code x ↦ clamp(rint(x·s), minCode, maxCode) / s} with a static
 * clip value α ({@link FixedPointGrid}: round half to even, {@code s = maxCode/α}). Used in an {@code ActivationLayer}
 * at the input of a quantized layer, it makes DL4J's own {@code output()} and {@code evaluate()} see fixed-point
 * activations. Backpropagation is the straight-through estimator (gradient passed inside the clip range, 0 outside).
 *
 * <p>Models containing it save with {@code ModelSerializer} and restore anywhere ocs4j is on the class path (DL4J
 * records the class name in the model's JSON).
 */
public class FakeQuantActivation extends BaseActivationFunction {

    @JsonProperty("bits")
    private int bits;
    @JsonProperty("signed")
    private boolean signed;
    @JsonProperty("alpha")
    private double alpha;

    /** For JSON deserialization only. */
    public FakeQuantActivation() {
    }

    /**
     * @param grid  the fixed-point grid
     * @param alpha the static clip value, finite and {@code > 0}
     */
    public FakeQuantActivation(FixedPointGrid grid, double alpha) {
        grid.scale(alpha);
        this.bits = grid.bits();
        this.signed = grid.signed();
        this.alpha = alpha;
    }

    /**
     * A placeholder for an activation quantizer whose clip value calibration sets later (by replacing it); it refuses
     * to run until then.
     *
     * @param bits the activation bit width, 2..16
     */
    public static FakeQuantActivation uncalibrated(int bits) {
        FakeQuantActivation f = new FakeQuantActivation();
        f.bits = FixedPointGrid.signed(bits).bits();
        f.signed = true;
        f.alpha = Double.NaN;
        return f;
    }

    /** @return whether a clip value has been set (false for {@link #uncalibrated} placeholders) */
    public boolean calibrated() {
        return !Double.isNaN(alpha);
    }

    /** @return the grid */
    public FixedPointGrid grid() {
        return new FixedPointGrid(bits, signed);
    }

    /** @return the clip value α */
    public double alpha() {
        return alpha;
    }

    /**
     * @return a new array: {@code in} is left as it is. DL4J's {@code ActivationLayer} hands its input array to the
     * activation function at inference (no copy), and in a graph that array is the producer's output, which the
     * producer's other readers (a residual add, say) read too — transforming it in place, as DL4J's own activations
     * do, would quantize their input as well, or not, depending on the order the graph runs its vertices in.
     */
    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        if (!calibrated()) {
            throw new IllegalStateException("an activation quantizer (" + bits + " bits) has no clip value yet:"
                    + " the model must be calibrated before it runs");
        }
        FixedPointGrid grid = grid();
        double s = grid.scale(alpha);
        INDArray out;
        // in the workspace DL4J keeps the layer's activations in (validated by DL4J), or outside any workspace
        MemoryWorkspace home = in.isAttached() ? in.data().getParentWorkspace() : null;
        try (MemoryWorkspace scope = home != null ? home.notifyScopeBorrowed()
                : Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            out = in.mul(s);
        }
        Nd4j.getExecutioner().exec(new Rint(out, out));
        Transforms.max(out, grid.minCode(), false);
        Transforms.min(out, grid.maxCode(), false);
        return out.divi(s);
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        assertShape(in, epsilon);
        FixedPointGrid grid = grid();
        double s = grid.scale(alpha);
        INDArray scaled = in.mul(s);
        INDArray inside = scaled.gte(grid.minCode()).castTo(in.dataType())
                .muli(scaled.lte(grid.maxCode()).castTo(in.dataType()));
        return new Pair<>(epsilon.mul(inside), null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FakeQuantActivation f && f.bits == bits && f.signed == signed
                && Double.compare(f.alpha, alpha) == 0;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(bits, signed, alpha);
    }

    @Override
    public String toString() {
        return "fakequant(" + (signed ? "s" : "u") + bits + ", α=" + alpha + ")";
    }
}
