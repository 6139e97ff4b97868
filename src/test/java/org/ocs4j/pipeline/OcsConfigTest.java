package org.ocs4j.pipeline;

import org.junit.jupiter.api.Test;
import org.ocs4j.graph.LayerPolicy;
import org.ocs4j.quant.Clip;
import org.ocs4j.quant.ClipMethod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one configuration: defaults, copies, the validation of every value, and how it reads in jshell. */
class OcsConfigTest {

    @Test
    void badValuesAreRefusedNamingTheValue() {
        String[][] cases = {
            {"weight bit width 1", "w1"}, {"weight bit width 17", "w17"}, {"activation bit width 1", "a1"},
            {"expand ratio -0.1", "r-0.1"}, {"expand ratio 1.5", "r1.5"}, {"expand ratio NaN", "rNaN"},
            {"activation expand ratio 2.0", "ar2"}, {"split threshold 1.0", "t1"}, {"calibration batches 0", "b0"},
        };
        for (String[] c : cases) {
            OcsConfig.Builder b = OcsConfig.builder();
            switch (c[1]) {
                case "w1" -> b.weightBits(1);
                case "w17" -> b.weightBits(17);
                case "a1" -> b.activationBits(1);
                case "r-0.1" -> b.expandRatio(-0.1);
                case "r1.5" -> b.expandRatio(1.5);
                case "rNaN" -> b.expandRatio(Double.NaN);
                case "ar2" -> b.activationExpandRatio(2.0);
                case "t1" -> b.splitThreshold(1.0);
                default -> b.calibrationBatches(0);
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build, c[1]);
            assertTrue(e.getMessage().contains(c[0]), c[0] + " not in: " + e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> OcsConfig.builder().weightClip((Clip) null).build());
        assertThrows(IllegalArgumentException.class, () -> OcsConfig.builder().policy(null).build());
        assertTrue(OcsConfig.builder().perChannel(true).expandRatio(0.1).build().widenSettings().perChannelGrid(),
                "per-channel scales with grid-aware OCS: halves on each output channel's grid");
    }

    @Test
    void activationBitsZeroMeansFp32AndIsValid() {
        OcsConfig c = OcsConfig.builder().activationBits(0).build();
        assertFalse(c.quantizesActivations());
        assertEquals("OcsConfig[W8A32]", c.toString());
    }

    @Test
    void toBuilderCopiesEveryValueAndLeavesTheOriginal() {
        OcsConfig a = OcsConfig.builder().weightBits(6).activationBits(4).weightClip(ClipMethod.MSE)
                .activationClip(Clip.parse("percentile:99.9")).expandRatio(0.05).splitThreshold(0.2)
                .referenceThreshold(true).gridAware(false).activationExpandRatio(0.1)
                .policy(LayerPolicy.reference().excluding("fc")).referenceCompatible(true).calibrationBatches(2)
                .seed(7).build();
        assertEquals(a, a.toBuilder().build(), "a copy equals the original");
        OcsConfig b = a.toBuilder().weightBits(5).build();
        assertEquals(6, a.weightBits(), "the original is immutable");
        assertEquals(5, b.weightBits());
        assertNotEquals(a, b);
        assertEquals(a.describe().replace("W6A4", "W5A4"), b.describe());
    }

    @Test
    void toStringShowsOnlyWhatDiffersFromTheDefaults() {
        assertEquals("OcsConfig[W8A8]", OcsConfig.defaults().toString());
        OcsConfig c = OcsConfig.builder().weightBits(6).weightClip(ClipMethod.MSE).expandRatio(0.02).build();
        assertEquals("OcsConfig[W6A8, r=0.02 grid-aware, weightClip=mse]", c.toString());
        System.out.println(c + " / " + c.describe());
    }

    @Test
    void widenSettingsFollowTheConfiguration() {
        OcsConfig grid = OcsConfig.builder().weightBits(5).expandRatio(0.1).build();
        assertEquals(5, grid.widenSettings().gridAwareBits());
        assertEquals(0, grid.toBuilder().gridAware(false).build().widenSettings().gridAwareBits());
        assertEquals(0.1, grid.widenSettings().expandRatio());
    }
}
