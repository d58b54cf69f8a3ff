// Unit tests of the XML the blob client reads (List Blobs pages, error bodies) and of the
// upload progress line.
#include <doctest/doctest.h>

#include "backends/azureml/storage/list_blobs_xml.h"
#include "backends/azureml/storage/small_xml.h"
#include "backends/azureml/storage/storage_error.h"
#include "backends/azureml/storage/uploader.h"

using namespace jobc::azureml;

TEST_SUITE("azureml") {
  TEST_CASE("a List Blobs page gives names with entities decoded, sizes, folders and the marker") {
    auto page = parse_list_blobs(
        "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>"
        "<EnumerationResults ServiceEndpoint=\"http://127.0.0.1:1/acct\" ContainerName=\"c\">"
        "<Prefix>out</Prefix><MaxResults>2</MaxResults>"
        "<Blobs>"
        "<Blob><Name>out/a &amp; b&lt;&gt;&quot;&apos;&#233;&#x1F600;.txt</Name>"
        "<Properties><Content-Length>1234</Content-Length><Content-Type>text/plain</Content-Type>"
        "</Properties><Metadata><name>x</name></Metadata></Blob>"
        "<Blob><Name>out/dir</Name><Properties><Content-Length>0</Content-Length></Properties>"
        "<Metadata><hdi_isfolder>true</hdi_isfolder></Metadata></Blob>"
        "<Blob><Name Encoded=\"true\">out/%EF%BF%BEbad</Name><Properties /><Metadata /></Blob>"
        "</Blobs>"
        "<NextMarker>2!72!MDAwMDA3IW91dC9kaXI-</NextMarker></EnumerationResults>");
    REQUIRE_MESSAGE(page, page.error().message);
    REQUIRE(page->blobs.size() == 3);
    CHECK(page->blobs[0].name == "out/a & b<>\"'\xC3\xA9\xF0\x9F\x98\x80.txt");
    CHECK(page->blobs[0].size == 1234);
    CHECK_FALSE(page->blobs[0].is_folder);
    CHECK(page->blobs[1].name == "out/dir");
    CHECK(page->blobs[1].is_folder);
    CHECK(page->blobs[2].name ==
          "out/\xEF\xBF\xBE"
          "bad");
    CHECK(page->next_marker == "2!72!MDAwMDA3IW91dC9kaXI-");
  }

  TEST_CASE("an empty List Blobs page has no blobs and no marker") {
    auto page = parse_list_blobs(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults ContainerName=\"c\">"
        "<Prefix>x</Prefix><Blobs /><NextMarker /></EnumerationResults>");
    REQUIRE(page);
    CHECK(page->blobs.empty());
    CHECK(page->next_marker.empty());
    auto bare = parse_list_blobs("<EnumerationResults><Blobs></Blobs></EnumerationResults>");
    REQUIRE(bare);
    CHECK(bare->blobs.empty());
  }

  TEST_CASE("text that is not a List Blobs answer is an error that says why") {
    CHECK(parse_list_blobs("<Error><Code>X</Code></Error>")
              .error()
              .message.find("its root is <Error>") != std::string::npos);
    CHECK_FALSE(parse_list_blobs("<EnumerationResults><Blobs>"));
    CHECK_FALSE(parse_list_blobs("<EnumerationResults></Other>"));
    CHECK_FALSE(parse_list_blobs("<EnumerationResults>&bogus;</EnumerationResults>"));
    CHECK_FALSE(parse_list_blobs("<EnumerationResults>&#xD800;</EnumerationResults>"));
    CHECK_FALSE(parse_list_blobs(
        "<EnumerationResults><Blobs><Blob><Name>a</Name><Properties><Content-Length>12x"
        "</Content-Length></Properties></Blob></Blobs></EnumerationResults>"));
    CHECK_FALSE(parse_list_blobs("<EnumerationResults/>trailing"));
    CHECK_FALSE(parse_list_blobs(""));
  }

  TEST_CASE("the XML reader keeps CDATA and skips comments and processing instructions") {
    auto root = parse_xml(
        "<!-- c --><a x='1 &amp; 2'><!-- in --><b><![CDATA[<raw&>]]></b>"
        "<?pi x?>t</a>");
    REQUIRE(root);
    CHECK(root->attributes.at("x") == "1 & 2");
    CHECK(root->child_text("b") == "<raw&>");
    CHECK(root->text == "t");
    CHECK(root->child("missing") == nullptr);
  }

  TEST_CASE("deeply nested XML is refused instead of exhausting the stack") {
    std::string xml;
    for (int i = 0; i < 10000; ++i) xml += "<a>";
    CHECK(parse_xml(xml).error().message.find("nested too deep") != std::string::npos);
  }

  TEST_CASE("a storage error reads as (Code) message, the request id dropped") {
    jobc::HttpResponse response;
    response.status = 409;
    response.body =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>BlobAlreadyExists</Code>"
        "<Message>The specified blob already exists.\nRequestId:1\nTime:2</Message></Error>";
    CHECK(storage_error_text(response, "", "") ==
          "(BlobAlreadyExists) The specified blob already exists.");
    response.body.clear();
    response.headers = {{"x-ms-error-code", "BlobNotFound"}};
    CHECK(storage_error_text(response, "", "") == "(BlobNotFound) HTTP 409");
    response.headers.clear();
    response.status = 503;
    CHECK(storage_error_text(response, "", "") == "HTTP 503");
  }

  TEST_CASE("a transport error shows the URL without its SAS query") {
    using jobc::HttpError;
    std::string url = "http://127.0.0.1:1/c/b?sv=1&sig=SECRET";
    jobc::HttpResult response = HttpError(url + ": Connection refused", HttpError::Kind::Refused);
    auto text = storage_failure("cannot read it", response, url).message;
    CHECK(text == "cannot read it: http://127.0.0.1:1/c/b: Connection refused");
    response = HttpError("somewhere else?sig=SECRET", HttpError::Kind::Other);
    CHECK(storage_error_text(response, url, "shown").find("SECRET") == std::string::npos);
  }

  TEST_CASE("the progress line gives files, bytes in the total's unit and the rate") {
    UploadProgress progress;
    progress.files_done = 120;
    progress.files_total = 400;
    progress.bytes_done = 3250585;    // 3.1 MiB
    progress.bytes_total = 10276044;  // 9.8 MiB
    CHECK(progress_line("src", progress, 0.25) ==
          "uploading src: 120/400 files, 3.1/9.8 MiB, 12.4 MiB/s");
    CHECK(progress_line("src", progress, 0) == "uploading src: 120/400 files, 3.1/9.8 MiB");
    UploadProgress small;
    small.files_total = 1;
    small.bytes_total = 512;
    small.bytes_done = 512;
    small.files_done = 1;
    CHECK(progress_line("a.txt", small, 2) == "uploading a.txt: 1/1 files, 512/512 B, 256 B/s");
  }
}
