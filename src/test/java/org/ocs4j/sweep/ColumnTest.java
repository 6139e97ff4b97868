package org.ocs4j.sweep;

import org.ocs4j.pipeline.OcsConfig;
import org.junit.jupiter.api.Test;
import org.ocs4j.quant.ClipMethod;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sweep columns and configurations: the written forms, their meaning, and the refusals. */
class ColumnTest {

    @Test
    void everyWrittenFormReadsBackToItself() {
        for (String id : List.of("none", "max:0.9", "mse", "aciq", "kl", "percentile:99.9", "per-channel",
                "per-channel+mse", "ocs:0.02", "ocs:0.01+mse", "ocs:0.05:plain", "ocs:0.05:plain+kl", "ocs+best",
                "fold", "fold+mse", "per-channel+ocs:0.02", "fold+per-channel+ocs:0.02+bc", "bc", "cle+ocs:0.02+bc", "ocs-budget:0.02", "fold+ocs-budget:0.05:plain+mse",
                "mixed", "cle+per-channel+ocs:0.02+bc+mixed", "mse+mixed")) {
            assertEquals(id, Column.parse(id).id(), id);
        }
        assertEquals("OCS 0.02 + MSE", Column.parse("OCS:0.02+MSE").label());
        assertEquals("MAX 0.9", Column.parse("max:0.9").label());
        assertEquals("no clip", Column.parse("none").label());
        assertEquals("OCS 0.05 plain", Column.parse("ocs:0.05:plain").label());
        assertEquals("fold+ocs:0.02+mse+bc", Column.parse("bc+MSE+ocs:0.02+fold").id(), "any order, written back in one");
        assertEquals("fold + per-channel + OCS 0.02 + BC", Column.parse("fold+per-channel+ocs:0.02+bc").label());
        assertEquals("mixed precision", Column.parse("mixed").label());
        assertEquals("fold + per-channel + BC + mixed precision", Column.parse("mixed+bc+per-channel+fold").label());
    }

    @Test
    void columnsBecomeTheSettingsTheyName() {
        var s = Column.parse("ocs:0.02+mse").config(OcsConfig.defaults(), 5, 8);
        assertEquals(5, s.weightBits());
        assertEquals(0.02, s.expandRatio());
        assertTrue(s.gridAware());
        assertEquals(ClipMethod.MSE, s.weightClip().method());
        assertEquals(ClipMethod.NONE, s.activationClip().method());
        assertFalse(Column.parse("ocs:0.02:plain").config(OcsConfig.defaults(), 5, 8).gridAware());
        assertEquals(0.9, Column.parse("max:0.9").config(OcsConfig.defaults(), 5, 8)
                .weightClip().parameter());
        assertTrue(Column.parse("per-channel").config(OcsConfig.defaults(), 5, 8).perChannel());
        var deployed = Column.parse("fold+per-channel+ocs:0.02+bc").config(OcsConfig.defaults(), 4, 8);
        assertTrue(deployed.foldBatchNorm() && deployed.biasCorrection() && deployed.perChannel()
                && deployed.gridAware() && deployed.expandRatio() == 0.02, deployed.toString());
        assertFalse(Column.parse("mse").config(OcsConfig.defaults(), 4, 8).foldBatchNorm());
        var equalized = Column.parse("fold+cle").config(OcsConfig.defaults(), 4, 8);
        assertTrue(equalized.equalize() && equalized.foldBatchNorm(), "equalization folds batch norms: " + equalized);
        assertEquals("cle", Column.parse("fold+cle").id(), "fold is implied by cle");
        var budget = Column.parse("ocs-budget:0.02").config(OcsConfig.defaults(), 4, 8);
        assertTrue(budget.budgetedExpandRatio() == 0.02 && budget.expandRatio() == 0 && budget.splitsWeights());
        assertFalse(Column.parse("ocs-budget:0.02").ocsCandidate());
        assertFalse(Column.parse("fold+ocs:0.02").ocsCandidate(), "ocs+best chooses among the paper's columns only");
        var mixed = Column.parse("per-channel+bc+mixed").config(OcsConfig.defaults(), 4, 8);
        assertTrue(mixed.mixedPrecision() && mixed.perChannel() && mixed.weightBits() == 4, mixed.toString());
        assertFalse(Column.parse("per-channel+bc").config(OcsConfig.defaults(), 4, 8).mixedPrecision());
        assertFalse(Column.parse("mse+mixed").clipCandidate(), "ocs+best chooses among the paper's columns only");
        assertThrows(IllegalStateException.class,
                () -> Column.OCS_BEST.config(OcsConfig.defaults(), 5, 8));
    }

    @Test
    void badColumnsAreRefusedNamingTheText() {
        for (String bad : List.of("mxe", "ocs:", "ocs:1.5", "ocs:0", "max:2", "mse:3", "per-channelmse", "ocs:0.1+zz",
                "fold+fold", "mse+kl", "bc+", "ocs:0.01+ocs:0.02", "ocs")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Column.parse(bad), bad);
            assertTrue(e.getMessage().contains("\"" + bad + "\""), e.getMessage());
        }
    }

    @Test
    void theOcsPlusBestColumnNeedsSomethingToChooseFrom() {
        assertThrows(IllegalArgumentException.class, () -> SweepConfig.paper()
                .withColumns(Column.parseList("none,ocs:0.02,ocs+best")));
        assertThrows(IllegalArgumentException.class, () -> SweepConfig.paper()
                .withColumns(Column.parseList("none,mse,ocs+best")));
        assertThrows(IllegalArgumentException.class, () -> SweepConfig.paper()
                .withColumns(Column.parseList("mse,mse")));
        assertThrows(IllegalArgumentException.class, () -> SweepConfig.paper().withWeightBits(List.of(8, 17)));
        assertEquals(5, SweepConfig.paper().rows().size());
        assertEquals("W8A8", SweepConfig.paper().rows().get(0).label());
    }
}
