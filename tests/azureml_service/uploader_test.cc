// The SDK's upload protocol against Azurite: indicator blob, upload_status metadata last,
// If-None-Match on a fresh upload, reuse of a confirmed upload (LocalUpload or legacy).
#include <doctest/doctest.h>

#include <fstream>

#include "azureml_service/blob_test_bed.h"
#include "backends/azureml/storage/uploader.h"
#include "common/run_command.h"
#include "common/temp_dir.h"

namespace {

namespace fs = std::filesystem;
using jobc::testing::blob_test_bed;
using jobc::testing::RecordingTransport;
using namespace jobc::azureml;

const std::string kPrefix = "LocalUpload/0123abcd/src";
const std::string kLegacyPrefix = "az-ml-artifacts/0123abcd/src";

// A code folder src/ of five files; the request to upload it as the SDK names its blobs.
UploadRequest code_folder(const fs::path& root, const std::string& container) {
  std::map<std::string, std::string> files = {{"train.py", "print('train')\n"},
                                              {"util/helpers.py", "x = 1\n"},
                                              {"util/data.csv", "a,b\n1,2\n"},
                                              {"README", ""},
                                              {"conf/a b#c.yaml", "k: v\n"}};
  UploadRequest request;
  request.container = container;
  request.asset_name = "first-name";
  request.asset_version = "1";
  request.upload_prefix = kPrefix;
  request.legacy_prefix = kLegacyPrefix;
  for (const auto& [relative, text] : files) {
    fs::path local = root / "src" / relative;
    fs::create_directories(local.parent_path());
    std::ofstream(local, std::ios::binary) << text;
    request.files.push_back({local, kPrefix + "/" + relative});
  }
  return request;
}

size_t count(const std::vector<RecordingTransport::Sent>& sent, const std::string& method) {
  return static_cast<size_t>(std::count_if(
      sent.begin(), sent.end(), [&](const auto& request) { return request.method == method; }));
}

}  // namespace

TEST_SUITE("azureml_service") {
  TEST_CASE(
      "uploading a folder twice sends no blob the second time and returns the first upload's name "
      "and version") {
    auto bed = blob_test_bed();
    if (!bed) return;
    jobc::testing::TempDir dir;
    auto client = bed->client();
    UploadRequest request = code_folder(dir.path, bed->container);
    std::vector<UploadProgress> seen;
    std::mutex mutex;
    auto first = upload(client, request, 3, [&](const UploadProgress& progress) {
      std::lock_guard lock(mutex);
      seen.push_back(progress);
    });
    REQUIRE_MESSAGE(first, first.error().message);
    CHECK_FALSE(first->reused);
    CHECK(first->blobs_sent == 5);
    CHECK(first->bytes_sent == 15 + 6 + 8 + 0 + 5);
    CHECK(first->asset_name == "first-name");
    REQUIRE_FALSE(seen.empty());
    CHECK(seen.back().files_done == 5);
    CHECK(seen.back().bytes_done == seen.back().bytes_total);

    auto sent = bed->transport->sent();
    // HEAD the indicator (404), five Put Blob with If-None-Match, then the metadata, last.
    REQUIRE(sent.size() == 7);
    CHECK(sent.front().method == "HEAD");
    CHECK(sent.front().url.ends_with("/LocalUpload/0123abcd/src/README"));  // first by local path
    CHECK(sent.front().status == 404);
    for (size_t i = 1; i < 6; ++i) {
      CHECK(sent[i].method == "PUT");
      CHECK(sent[i].header("If-None-Match") == "*");
      CHECK(sent[i].header("x-ms-blob-type") == "BlockBlob");
    }
    CHECK(sent.back().url.ends_with("/LocalUpload/0123abcd/src/README?comp=metadata"));
    CHECK(sent.back().header("x-ms-meta-upload_status") == "completed");
    CHECK(sent.back().header("x-ms-meta-name") == "first-name");
    CHECK(sent.back().header("x-ms-meta-version") == "1");

    bed->transport->clear();
    request.asset_name = "second-name";
    request.asset_version = "2";
    auto second = upload(client, request, 3);
    REQUIRE(second);
    CHECK(second->reused);
    CHECK_FALSE(second->reused_legacy);
    CHECK(second->blobs_sent == 0);
    CHECK(second->asset_name == "first-name");
    CHECK(second->asset_version == "1");
    sent = bed->transport->sent();
    CHECK(count(sent, "PUT") == 0);
    CHECK(count(sent, "HEAD") == 2);  // the indicator, then its legacy copy (404)
  }

  TEST_CASE(
      "an indicator that exists without upload_status=completed is uploaded again without "
      "If-None-Match") {
    auto bed = blob_test_bed();
    if (!bed) return;
    jobc::testing::TempDir dir;
    auto client = bed->client();
    UploadRequest request = code_folder(dir.path, bed->container);
    // An interrupted upload: some files there, the indicator among them, never confirmed.
    REQUIRE(client.put_file(bed->container, kPrefix + "/README", request.files[0].local, true));
    REQUIRE(client.put_file(bed->container, kPrefix + "/train.py", request.files[0].local, true));
    bed->transport->clear();
    auto outcome = upload(client, request, 2);
    REQUIRE_MESSAGE(outcome, outcome.error().message);
    CHECK_FALSE(outcome->reused);
    CHECK(outcome->blobs_sent == 5);
    auto sent = bed->transport->sent();
    for (const auto& request_sent : sent) {
      if (request_sent.method == "PUT") CHECK(request_sent.header("If-None-Match").empty());
    }
    auto head = client.head(bed->container, kPrefix + "/README");
    REQUIRE(head);
    CHECK((*head)->metadata.at("upload_status") == "completed");
    auto read = client.read_from(bed->container, kPrefix + "/train.py", 0);
    REQUIRE(read);
    CHECK(read->data == "print('train')\n");
  }

  TEST_CASE("a confirmed legacy az-ml-artifacts copy is reused when the indicator exists") {
    auto bed = blob_test_bed();
    if (!bed) return;
    jobc::testing::TempDir dir;
    auto client = bed->client();
    UploadRequest request = code_folder(dir.path, bed->container);
    REQUIRE(
        client.put_file(bed->container, kLegacyPrefix + "/README", request.files[0].local, true));
    REQUIRE(client.set_metadata(
        bed->container, kLegacyPrefix + "/README",
        {{"upload_status", "completed"}, {"name", "legacy"}, {"version", "3"}}));
    // Without the LocalUpload indicator, the SDK does not look at the legacy copy.
    auto fresh = upload(client, request, 2);
    REQUIRE(fresh);
    CHECK_FALSE(fresh->reused);
    // With it (even confirmed), the confirmed legacy copy wins, as in the SDK.
    auto again = upload(client, request, 2);
    REQUIRE(again);
    CHECK(again->reused);
    CHECK(again->reused_legacy);
    CHECK(again->asset_name == "legacy");
    CHECK(again->asset_version == "3");
  }

  TEST_CASE(
      "a file that cannot be uploaded fails the upload and leaves the indicator unconfirmed") {
    auto bed = blob_test_bed();
    if (!bed) return;
    jobc::testing::TempDir dir;
    auto client = bed->client();
    UploadRequest request = code_folder(dir.path, bed->container);
    // Another writer's blob where one of ours goes: If-None-Match refuses it.
    REQUIRE(
        client.put_file(bed->container, kPrefix + "/util/data.csv", request.files[0].local, true));
    bed->transport->clear();
    auto outcome = upload(client, request, 1);
    REQUIRE_FALSE(outcome);
    CHECK(outcome.error().message.find("util/data.csv") != std::string::npos);
    CHECK(outcome.error().message.find("(BlobAlreadyExists)") != std::string::npos);
    for (const auto& sent : bed->transport->sent()) {
      CHECK(sent.url.find("comp=metadata") == std::string::npos);
    }
    auto head = client.head(bed->container, kPrefix + "/README");
    REQUIRE(head);
    if (head->has_value()) CHECK((*head)->metadata.count("upload_status") == 0);
  }

  TEST_CASE("a single file is its own indicator and uploads in blocks over the limit") {
    auto bed = blob_test_bed();
    if (!bed) return;
    jobc::testing::TempDir dir;
    BlobClientOptions options;
    options.single_put_limit = 8 * 1024;
    options.block_size = 4 * 1024;
    auto client = bed->client(options);
    fs::path file = dir.path / "input.bin";
    std::ofstream(file, std::ios::binary) << std::string(20000, 'z');
    UploadRequest request;
    request.container = bed->container;
    request.files = {{file, "LocalUpload/ffff/input.bin"}};
    request.asset_name = "in";
    request.asset_version = "v";
    request.upload_prefix = "LocalUpload/ffff/input.bin";
    request.legacy_prefix = "az-ml-artifacts/ffff/input.bin";
    auto outcome = upload(client, request);
    REQUIRE_MESSAGE(outcome, outcome.error().message);
    CHECK(outcome->bytes_sent == 20000);
    auto head = client.head(bed->container, "LocalUpload/ffff/input.bin");
    REQUIRE(head);
    CHECK((*head)->size == 20000);
    CHECK((*head)->metadata.at("name") == "in");
    auto again = upload(client, request);
    REQUIRE(again);
    CHECK(again->reused);
  }

  TEST_CASE(
      "the indicator is the first file by path string, as Python sorts, not by path components") {
    auto bed = blob_test_bed();
    if (!bed) return;
    jobc::testing::TempDir dir;
    auto client = bed->client();
    UploadRequest request;
    request.container = bed->container;
    request.asset_name = "n";
    request.asset_version = "1";
    request.upload_prefix = "LocalUpload/aaaa/src";
    for (std::string relative : {"a/x", "a-b/x", "b"}) {
      fs::path local = dir.path / "src" / relative;
      fs::create_directories(local.parent_path());
      std::ofstream(local) << relative;
      request.files.push_back({local, "LocalUpload/aaaa/src/" + relative});
    }
    REQUIRE(upload(client, request, 2));
    auto sent = bed->transport->sent();
    REQUIRE_FALSE(sent.empty());
    CHECK(sent.front().url.ends_with("/src/a-b/x"));
    CHECK(sent.back().url.ends_with("/src/a-b/x?comp=metadata"));
  }
}

namespace {

// The SDK's own BlobStorageClient.upload of `source` (sdk_blob_upload.py): its artifact info,
// or nullopt when the SDK is not installed (the test then skips that side, saying so).
std::optional<nlohmann::json> sdk_upload(const jobc::testing::BlobTestBed& bed,
                                         const fs::path& source, const std::string& hash,
                                         const std::string& name) {
  using jobc::testing::shell_quote;
  auto result = jobc::testing::run_command(
      "/usr/bin/python3 " +
      shell_quote(std::string(JOBC_SOURCE_DIR) + "/tests/azureml_service/sdk_blob_upload.py") +
      " " + shell_quote(bed.services.azurite_url()) + " " + shell_quote(bed.account.name) + " " +
      shell_quote(bed.services.value("JOBC_TEST_AZURE_STORAGE_KEY_FILE")) + " " +
      shell_quote(bed.container) + " " + shell_quote(source.string()) + " " + hash + " " + name +
      " 1");
  if (result.status == 77) {
    MESSAGE(result.err);
    return std::nullopt;
  }
  REQUIRE_MESSAGE(result.status == 0, result.err);
  return nlohmann::json::parse(result.out.substr(0, result.out.find('\n')));
}

}  // namespace

TEST_SUITE("azureml_service") {
  TEST_CASE(
      "jobc reuses a folder the official SDK uploaded, and the SDK reuses one jobc uploaded") {
    auto bed = blob_test_bed();
    if (!bed) return;
    jobc::testing::TempDir dir;
    auto client = bed->client();

    // The SDK first: jobc finds its confirmed indicator and sends nothing.
    UploadRequest sdk_first = code_folder(dir.path / "one", bed->container);
    auto sdk_info = sdk_upload(*bed, dir.path / "one" / "src", "0123abcd", "sdk-name");
    if (!sdk_info) return;
    CHECK((*sdk_info)["indicator file"] == "LocalUpload/0123abcd/src/README");
    bed->transport->clear();
    auto reused = upload(client, sdk_first, 2);
    REQUIRE_MESSAGE(reused, reused.error().message);
    CHECK(reused->reused);
    CHECK(reused->asset_name == "sdk-name");
    CHECK(reused->asset_version == "1");
    CHECK(count(bed->transport->sent(), "PUT") == 0);

    // jobc first, under another hash: the SDK reports jobc's name, so it reused the upload.
    UploadRequest jobc_first = code_folder(dir.path / "two", bed->container);
    for (auto& file : jobc_first.files) {
      file.blob.replace(0, kPrefix.size(), "LocalUpload/4567cdef/src");
    }
    jobc_first.upload_prefix = "LocalUpload/4567cdef/src";
    jobc_first.legacy_prefix = "az-ml-artifacts/4567cdef/src";
    jobc_first.asset_name = "jobc-name";
    auto uploaded = upload(client, jobc_first, 2);
    REQUIRE_MESSAGE(uploaded, uploaded.error().message);
    CHECK_FALSE(uploaded->reused);
    auto sdk_again = sdk_upload(*bed, dir.path / "two" / "src", "4567cdef", "sdk-other");
    REQUIRE(sdk_again);
    CHECK((*sdk_again)["name"] == "jobc-name");
    CHECK((*sdk_again)["version"] == "1");
    CHECK((*sdk_again)["indicator file"] == "LocalUpload/4567cdef/src/README");
  }
}
