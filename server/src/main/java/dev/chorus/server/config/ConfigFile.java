package dev.chorus.server.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML config file (JSON is YAML too): one flat mapping of keys, named as the flags are without their dashes, to
 * values; a list may be a YAML sequence or a comma-separated string.
 */
public final class ConfigFile {
    private static final YAMLMapper YAML = new YAMLMapper();

    private final Path path;
    private final Map<String, String> values;

    private ConfigFile(Path path, Map<String, String> values) {
        this.path = path;
        this.values = values;
    }

    /** No file: every setting comes from elsewhere. */
    public static ConfigFile none() {
        return new ConfigFile(null, Map.of());
    }

    public static ConfigFile read(Path path) throws ConfigException {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(path));
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + path + " does not exist");
        } catch (JacksonException e) {
            throw new ConfigException("config file " + path + " is not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        } catch (IOException e) {
            throw new ConfigException("config file " + path + " cannot be read: " + e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new ConfigFile(path, values);
        }
        if (!root.isObject()) {
            throw new ConfigException("config file " + path + " is not a mapping of keys to values");
        }
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            if (value.isNull()) {
                continue;
            }
            if (value.isObject()) {
                throw new ConfigException("config file " + path + ", key '" + key + "': holds a section, but keys are "
                        + "flat (docs/configuration.md)");
            }
            if (value.isArray()) {
                List<String> items = new ArrayList<>();
                for (JsonNode item : value) {
                    if (!item.isValueNode()) {
                        throw new ConfigException("config file " + path + ", key '" + key + "': a list holds only "
                                + "plain values");
                    }
                    items.add(item.asText());
                }
                values.put(key, String.join(",", items));
            } else {
                values.put(key, value.asText());
            }
        }
        return new ConfigFile(path, values);
    }

    /** Null when there is no file. */
    public Path path() {
        return path;
    }

    /** The values by key, as written. */
    Map<String, String> values() {
        return values;
    }
}
