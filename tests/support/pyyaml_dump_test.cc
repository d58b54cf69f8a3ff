// pyyaml_dump against PyYAML 6: every expected text below is what
// /usr/bin/python3 -c 'yaml.dump(value, Dumper=<the SDK's OrderedDumper>, sort_keys=True)'
// printed for the value. The corpus test reproduces each condaFile the SDK sent.
#include "support/pyyaml_dump.h"

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "support/file_text.h"
#include "support/yaml11_test_loader.h"

namespace {

struct DumpCase {
  const char* name;
  const char* value_json;
  const char* yaml;
};

const DumpCase kCases[] = {
    {"a conda file",
     "{\"name\": \"env\", \"channels\": [\"conda-forge\", \"defaults\"], \"dependencies\": "
     "[\"python=3.8\", \"pip=21.2.4\", {\"pip\": [\"numpy==1.21.2\", \"azureml-mlflow==1.38.0\", "
     "\"--extra-index-url https://example.com/simple\"]}]}",
     "channels:\n- conda-forge\n- defaults\ndependencies:\n- python=3.8\n- pip=21.2.4\n- pip:\n  - "
     "numpy==1.21.2\n  - azureml-mlflow==1.38.0\n  - --extra-index-url "
     "https://example.com/simple\nname: env\n"},
    {"nested mappings and sequences",
     "{\"a\": {\"b\": {\"c\": [1, [2, 3], {\"d\": null}]}}, \"e\": [[[\"x\"]]], \"f\": [{\"g\": 1, "
     "\"h\": [true, false]}]}",
     "a:\n  b:\n    c:\n    - 1\n    - - 2\n      - 3\n    - d: null\ne:\n- - - x\nf:\n- g: 1\n  "
     "h:\n  - true\n  - false\n"},
    {"empty collections", "{\"a\": [], \"b\": {}, \"c\": [[], {}], \"d\": \"\"}",
     "a: []\nb: {}\nc:\n- []\n- {}\nd: ''\n"},
    {"root scalars end the document", "\"plain\"", "plain\n...\n"},
    {"root null", "null", "null\n...\n"},
    {"root int", "42", "42\n...\n"},
    {"root empty string", "\"\"", "''\n"},
    {"root list", "[\"a\", 1, 1.5, null, true]", "- a\n- 1\n- 1.5\n- null\n- true\n"},
    {"root empty list", "[]", "[]\n"},
    {"root empty mapping", "{}", "{}\n"},
    {"strings the resolver would type",
     "[\"true\", \"False\", \"yes\", \"on\", \"null\", \"~\", \"\", \"1\", \"-1\", \"0o17\", "
     "\"017\", \"0x1F\", \"1_000\", \"1:30\", \"1.5\", \"1e5\", \"1.0e+5\", \".inf\", \".nan\", "
     "\"2001-12-14\", \"2001-12-14 21:59:43\", \"=\", \"<<\", \"3.8\", \"python=3.8\"]",
     "- 'true'\n- 'False'\n- 'yes'\n- 'on'\n- 'null'\n- '~'\n- ''\n- '1'\n- '-1'\n- 0o17\n- "
     "'017'\n- '0x1F'\n- '1_000'\n- '1:30'\n- '1.5'\n- 1e5\n- '1.0e+5'\n- '.inf'\n- '.nan'\n- "
     "'2001-12-14'\n- '2001-12-14 21:59:43'\n- '='\n- '<<'\n- '3.8'\n- python=3.8\n"},
    {"indicators",
     "[\"- a\", \"-a\", \"-\", \"? a\", \"?a\", \": a\", \":a\", \"a: b\", \"a:b\", \"a :b\", \"a "
     "#b\", \"a#b\", \"#a\", \"!a\", \"&a\", \"*a\", \"|a\", \">a\", \"'a\", \"\\\"a\", \"%a\", "
     "\"@a\", \"`a\", \",a\", \"a,b\", \"[a]\", \"a[b]\", \"{a}\", \"a{b}\", \"---\", \"--- a\", "
     "\"...\", \"a...\", \"a ?b\"]",
     "- '- a'\n- -a\n- '-'\n- '? a'\n- ?a\n- ': a'\n- :a\n- 'a: b'\n- a:b\n- a :b\n- 'a #b'\n- "
     "a#b\n- '#a'\n- '!a'\n- '&a'\n- '*a'\n- '|a'\n- '>a'\n- '''a'\n- '\"a'\n- '%a'\n- '@a'\n- "
     "'`a'\n- ',a'\n- a,b\n- '[a]'\n- a[b]\n- '{a}'\n- a{b}\n- '---'\n- '--- a'\n- '...'\n- "
     "a...\n- a ?b\n"},
    {"whitespace",
     "[\" lead\", \"trail \", \"in side\", \"two  spaces\", \"tab\\there\", \"\\ttab\", "
     "\"line\\nbreak\", \"trailing\\n\", \"\\nleading\", \"a \\nb\", \"a\\n b\", \"a\\n\\nb\", "
     "\"cr\\rhere\", \"nul\\u0000\"]",
     "- ' lead'\n- 'trail '\n- in side\n- two  spaces\n- \"tab\\there\"\n- \"\\ttab\"\n- 'line\n\n "
     " break'\n- 'trailing\n\n  '\n- '\n\n  leading'\n- \"a \\nb\"\n- \"a\\n b\"\n- 'a\n\n\n  "
     "b'\n- \"cr\\rhere\"\n- \"nul\\0\"\n"},
    {"quotes inside",
     "[\"it's\", \"'quoted'\", \"say \\\"hi\\\"\", \"back\\\\slash\", \"both ' and \\\"\"]",
     "- it's\n- '''quoted'''\n- say \"hi\"\n- back\\slash\n- both ' and \"\n"},
    {"non-ASCII is escaped",
     "[\"\xc3\xa9\", \"na\xc3\xafve caf\xc3\xa9\", \"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\", "
     "\"emoji \xf0\x9f\x98\x80\", \"\xc2\x85\", \"\xc2\xa0\", \"\xe2\x80\xa8\", \"\xef\xbb\xbf\", "
     "\"\x7f\", \"\\u001b\"]",
     "- \"\\xE9\"\n- \"na\\xEFve caf\\xE9\"\n- \"\\u65E5\\u672C\\u8A9E\"\n- \"emoji "
     "\\U0001F600\"\n- \"\\N\"\n- \"\\_\"\n- \"\\L\"\n- \"\\uFEFF\"\n- \"\\x7F\"\n- \"\\e\"\n"},
    {"long plain scalar folds at 80",
     "{\"description\": \"This sample shows how to run a single node Spark job on Azure ML. The "
     "47GB NYC Taxi dataset is read in parquet format by a 1 node Spark cluster.\"}",
     "description: This sample shows how to run a single node Spark job on Azure ML. The\n  47GB "
     "NYC Taxi dataset is read in parquet format by a 1 node Spark cluster.\n"},
    {"long single-quoted scalar folds",
     "{\"k\": \"yes word word word word word word word word word word word word word word word "
     "word word word word word word word word word word word word word word word end\"}",
     "k: yes word word word word word word word word word word word word word word word\n  word "
     "word word word word word word word word word word word word word word end\n"},
    {"long double-quoted scalar folds",
     "{\"k\": \"caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9 "
     "caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9 "
     "caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9 "
     "caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9 "
     "caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9 \"}",
     "k: \"caf\\xE9 caf\\xE9 caf\\xE9 caf\\xE9 caf\\xE9 caf\\xE9 caf\\xE9 caf\\xE9 caf\\xE9 "
     "caf\\xE9\\\n  \\ caf\\xE9 caf\\xE9 caf\\xE9 caf\\xE9 caf\\xE9 caf\\xE9 caf\\xE9 caf\\xE9 "
     "caf\\xE9 caf\\xE9\\\n  \\ caf\\xE9 caf\\xE9 caf\\xE9 caf\\xE9 caf\\xE9 caf\\xE9 caf\\xE9 "
     "caf\\xE9 caf\\xE9 caf\\xE9\\\n  \\ \"\n"},
    {"long word does not fold",
     "{\"k\": "
     "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}",
     "k: "
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxx\n"},
    {"folding inside a list under a key",
     "{\"deps\": [\"pip install package-name package-name package-name package-name package-name "
     "package-name package-name package-name package-name package-name package-name package-name "
     "\"]}",
     "deps:\n- 'pip install package-name package-name package-name package-name package-name "
     "package-name\n  package-name package-name package-name package-name package-name "
     "package-name '\n"},
    {"long keys become complex keys",
     "{\"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
     "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\": 1, "
     "\"qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
     "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq\": [1, 2]}",
     "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
     "kkkkkkkkkkkkkkkkkkkkkkkkkkkkk: 1\n? "
     "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
     "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqq\n: - 1\n  - 2\n"},
    {"multi-line and empty keys", "{\"a\\nb\": 1, \"\": {\"x\": 1}, \"c\": 2}",
     "? ''\n: x: 1\n? 'a\n\n  b'\n: 1\nc: 2\n"},
    {"keys sort by code point",
     "{\"b\": 1, \"B\": 2, \"a\": 3, \"_\": 4, \"10\": 5, \"9\": 6, \"\xc3\xa9\": 7, \"z\": 8}",
     "'10': 5\n'9': 6\nB: 2\n_: 4\na: 3\nb: 1\nz: 8\n\"\\xE9\": 7\n"},
    {"numbers",
     "{\"int\": 7, \"neg\": -7, \"big\": 9223372036854775807, \"float\": 1.5, \"whole\": 3.0, "
     "\"small\": 1e-05, \"tiny\": 0.0001, \"huge\": 1e+16, \"exp\": 1.5e+300, \"neg0\": -0.0, "
     "\"third\": 0.3333333333333333}",
     "big: 9223372036854775807\nexp: 1.5e+300\nfloat: 1.5\nhuge: 1.0e+16\nint: 7\nneg: -7\nneg0: "
     "-0.0\nsmall: 1.0e-05\nthird: 0.3333333333333333\ntiny: 0.0001\nwhole: 3.0\n"},
    {"booleans and null", "{\"t\": true, \"f\": false, \"n\": null}",
     "f: false\nn: null\nt: true\n"},
};

struct FloatCase {
  double value;
  const char* yaml;
};

// Values JSON text cannot carry, checked with yaml.dump(float(...)).
const FloatCase kFloats[] = {
    {std::numeric_limits<double>::infinity(), ".inf\n...\n"},
    {-std::numeric_limits<double>::infinity(), "-.inf\n...\n"},
    {std::numeric_limits<double>::quiet_NaN(), ".nan\n...\n"},
    {-0.0, "-0.0\n...\n"},
    {1e15, "1000000000000000.0\n...\n"},
    {1e16, "1.0e+16\n...\n"},
    {1.5e-5, "1.5e-05\n...\n"},
    {5e-324, "5.0e-324\n...\n"},
    {0.1 + 0.2, "0.30000000000000004\n...\n"},
    {123456789.125, "123456789.125\n...\n"},
};

}  // namespace

TEST_SUITE("support") {
  TEST_CASE("pyyaml_dump writes what PyYAML 6 writes") {
    for (const auto& row : kCases) {
      CAPTURE(row.name);
      CHECK(jobc::pyyaml_dump(nlohmann::json::parse(row.value_json)) == row.yaml);
    }
  }

  TEST_CASE("floats follow Python's repr") {
    for (const auto& row : kFloats) {
      CAPTURE(row.value);
      CHECK(jobc::pyyaml_dump(row.value) == row.yaml);
    }
    CHECK(jobc::pyyaml_dump({{"nan", NAN}, {"inf", -INFINITY}}) == "inf: -.inf\nnan: .nan\n");
  }

  TEST_CASE("values JSON itself cannot hold are refused") {
    CHECK_THROWS_AS(jobc::pyyaml_dump(nlohmann::json::binary({1, 2})), std::invalid_argument);
  }

  TEST_CASE("every condaFile the SDK sent in the conformance corpus is reproduced") {
    const std::filesystem::path corpus = std::filesystem::path(JOBC_SHARED_DIR) / "conformance";
    if (!std::filesystem::exists(corpus / "expected")) {
      MESSAGE("skipped: ../shared/conformance is absent");
      return;
    }
    int checked = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(corpus / "expected")) {
      if (entry.path().extension() != ".json") continue;
      nlohmann::json expected = nlohmann::json::parse(jobc::read_text(entry.path()).value());
      if (!expected.contains("conda_file")) continue;
      // expected/<spec>.json describes specs/<spec>
      std::filesystem::path relative = entry.path().lexically_relative(corpus / "expected");
      std::filesystem::path spec_path = corpus / "specs" / relative.replace_extension();
      CAPTURE(spec_path.string());
      nlohmann::json spec = jobc::testing::load_yaml11_file(spec_path);
      const nlohmann::json& environment =
          expected.value("kind", "") == "environment" ? spec : spec.at("environment");
      const nlohmann::json& conda = environment.at("conda_file");
      nlohmann::json conda_value =
          conda.is_string()
              ? jobc::testing::load_yaml11_file(spec_path.parent_path() / conda.get<std::string>())
              : conda;
      CHECK(jobc::pyyaml_dump(conda_value) == expected["conda_file"].get<std::string>());
      ++checked;
    }
    CHECK(checked >= 4);
    MESSAGE("condaFile strings reproduced: " << checked);
  }
}
