package org.ocs4j.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.ocs4j.rewrite.IdentityCheck;
import org.ocs4j.rewrite.LayerReport;
import org.ocs4j.rewrite.SkippedLayer;
import org.ocs4j.rewrite.WidenReport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a widening report: {@code settings}, {@code totals} (extra weights and MACs, parameter counts,
 * the identity check's {@code maxAbsDiff} and {@code maxAbsOutput}), {@code layers}, {@code skipped} and
 * {@code provenance}.
 */
public final class WidenReportJson {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private WidenReportJson() {
    }

    /** @return the report as pretty-printed JSON */
    public static String toJson(WidenReport report, IdentityCheck identity, Provenance provenance) {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("expandRatio", report.settings().expandRatio());
        settings.put("splitThreshold", report.settings().split().splitThreshold());
        settings.put("signedMaxThreshold", report.settings().split().signedMaxThreshold());
        settings.put("gridAwareBits", report.settings().gridAwareBits());
        settings.put("policy", report.settings().policy().toString());
        root.put("settings", settings);

        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("splitLayers", report.layers().size());
        totals.put("skippedLayers", report.skipped().size());
        totals.put("extraWeights", report.extraWeights());
        totals.put("extraWeightPercent", 100.0 * report.extraWeightFraction());
        totals.put("extraMacs", report.extraMacs());
        totals.put("originalParams", report.originalParams());
        totals.put("widenedParams", report.widenedParams());
        totals.put("maxAbsDiff", identity.maxAbsDiff());
        totals.put("maxAbsOutput", identity.maxAbsOutput());
        totals.put("relativeDiff", identity.relativeDiff());
        totals.put("relativeDiffInDouble", identity.relativeDiff64());
        root.put("totals", totals);

        List<Map<String, Object>> layers = new ArrayList<>();
        for (LayerReport l : report.layers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layer", l.layer());
            m.put("type", l.layerType());
            m.put("inputChannels", l.inputChannels());
            m.put("splitCount", l.splitChannels().length);
            m.put("splitChannels", l.splitChannels());
            m.put("featuresPerChannel", l.featuresPerChannel());
            m.put("extraWeights", l.extraWeights());
            m.put("extraMacs", l.extraMacs());
            m.put("realization", l.realization().name());
            m.put("via", l.via());
            m.put("maxAbsBefore", l.maxAbsBefore());
            m.put("maxAbsAfter", l.maxAbsAfter());
            m.put("gridAlpha", Double.isNaN(l.gridAlpha()) ? null : l.gridAlpha());
            layers.add(m);
        }
        root.put("layers", layers);
        List<Map<String, Object>> skipped = new ArrayList<>();
        for (SkippedLayer s : report.skipped()) {
            skipped.add(Map.of("layer", s.layer(), "type", s.layerType(), "reason", s.reason()));
        }
        root.put("skipped", skipped);
        root.put("provenance", provenance);
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write the report as JSON", e);
        }
    }
}
