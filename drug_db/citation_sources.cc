#include "drug_db/citation_sources.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace dystonia {
namespace {

using Kind = v1::Citation::Kind;

// Official label texts, by regulator (and the few holders whose own
// prescribing-information pages are cited).
constexpr TrustedHost kLabelHosts[] = {
    {"dailymed.nlm.nih.gov", "US National Library of Medicine: FDA structured product labels by set id"},
    {"www.accessdata.fda.gov", "US FDA: approved labels (Drugs@FDA)"},
    {"www.medicines.org.uk", "UK electronic medicines compendium: SmPCs as approved by the MHRA"},
    {"products.mhra.gov.uk", "UK MHRA: product information"},
    {"www.ema.europa.eu", "European Medicines Agency: EPAR product information"},
    {"ec.europa.eu", "European Commission: Union Register of medicinal products (EU authorisations)"},
    {"pdf.hres.ca", "Health Canada: Drug Product Database product monographs"},
    {"health-products.canada.ca", "Health Canada: Drug Product Database"},
    {"www.ebs.tga.gov.au", "Australian TGA: product information"},
    {"www.tga.gov.au", "Australian TGA"},
    {"www.medsafe.govt.nz", "New Zealand Medsafe: data sheets"},
    {"www.swissmedicinfo.ch", "Swissmedic's official platform for Swiss product information"},
    {"base-donnees-publique.medicaments.gouv.fr", "French public medicines database (ANSM, HAS)"},
    {"ansm.sante.fr", "French ANSM"},
    {"agence-prd.ansm.sante.fr", "French ANSM: product information (RCP)"},
    {"www.pmda.go.jp", "Japan PMDA: package inserts"},
    {"www.fass.se", "FASS (Swedish pharmaceutical industry): SmPCs as approved by the Swedish Medical Products Agency, as the eMC is for the UK"},
    {"products.sanofi.ca", "Sanofi Canada: its own product monographs"},
    {"www.pfizermedicalinformation.com", "Pfizer: its own US prescribing information"},
    {"www.pfizermedical.com", "Pfizer: its own US prescribing information"},
};

constexpr TrustedHost kIndexHosts[] = {
    {"doi.org", "DOI resolver: the publisher's record of the paper"},
    {"pubmed.ncbi.nlm.nih.gov", "US National Library of Medicine: PubMed"},
};

// Issuing bodies of guidelines and regulator communications.
constexpr TrustedHost kIssuerHosts[] = {
    {"www.nice.org.uk", "NICE (England): guidelines and key therapeutic topics"},
    {"www.psychiatry.org", "American Psychiatric Association"},
    {"psychiatryonline.org", "American Psychiatric Association Publishing: APA guidelines, DSM"},
    {"www.who.int", "World Health Organization"},
    {"www.ema.europa.eu", "European Medicines Agency"},
    {"www.gov.uk", "UK government: MHRA Drug Safety Updates"},
    {"www.fda.gov", "US FDA: drug safety communications"},
    {"www.medsafe.govt.nz", "New Zealand Medsafe: Prescriber Update"},
    {"www.tga.gov.au", "Australian TGA: safety advisories"},
    {"legemiddelverket.no", "Norwegian Medicines Agency"},
    {"www.dmkf.dk", "Danish Medicines Council"},
    {"www.rcemlearning.org", "Royal College of Emergency Medicine: its own learning pages"},
    {"www.ciusss-capitalenationale.gouv.qc.ca", "Quebec health authority: Centre antipoison du Quebec"},
};

// Publishers of reference works.
constexpr TrustedHost kPublisherHosts[] = {
    {"psychiatryonline.org", "American Psychiatric Association Publishing: DSM-5-TR"},
    {"www.msdmanuals.com", "Merck & Co.: MSD Manual, Professional Version"},
    {"www.prescrire.org", "Prescrire: its own journal pages"},
    {"english.prescrire.org", "Prescrire: its own journal pages"},
    {"www.pharmgkb.org", "PharmGKB (Stanford University, NIH-funded): curated pharmacogenomic annotations"},
    {"cpicpgx.org", "CPIC: pharmacogenomic guidelines"},
    {"dorsch.hogrefe.com", "Hogrefe: its own online edition of the Dorsch Lexikon der Psychologie"},
    {"www.rcemlearning.org", "Royal College of Emergency Medicine: its own learning pages"},
    {"www.ciusss-capitalenationale.gouv.qc.ca", "Quebec health authority: Centre antipoison du Quebec"},
};

bool IsUuid(absl::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !absl::ascii_isxdigit(text[i])) return false;
  }
  return true;
}

bool IsDigits(absl::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(),
                     [](char c) { return absl::ascii_isdigit(c); });
}

absl::Status Broken(const v1::Citation& citation, absl::string_view what) {
  return absl::FailedPreconditionError(
      absl::StrCat("citation ", citation.id(), ": ", what));
}

}  // namespace

std::vector<TrustedHost> TrustedHosts(Kind kind) {
  std::vector<TrustedHost> hosts;
  auto add = [&hosts](const auto& list) {
    hosts.insert(hosts.end(), std::begin(list), std::end(list));
  };
  switch (kind) {
    case v1::Citation::LABEL:
      add(kLabelHosts);
      break;
    case v1::Citation::LITERATURE:
      add(kIndexHosts);
      break;
    case v1::Citation::GUIDELINE:
    case v1::Citation::REGULATORY:
      add(kIssuerHosts);
      add(kIndexHosts);
      break;
    case v1::Citation::REFERENCE:
      add(kPublisherHosts);
      add(kIndexHosts);
      break;
    default:
      break;
  }
  return hosts;
}

std::string UrlHost(absl::string_view url) {
  for (absl::string_view scheme : {"https://", "http://"}) {
    if (!absl::StartsWith(url, scheme)) continue;
    absl::string_view rest = url.substr(scheme.size());
    rest = rest.substr(0, rest.find_first_of("/?#"));
    return absl::AsciiStrToLower(rest);
  }
  return "";
}

absl::Status CheckPrimarySource(const v1::Citation& citation) {
  const std::string host = UrlHost(citation.url());
  if (!absl::StartsWith(citation.url(), "https://") || host.empty()) {
    return Broken(citation, "url: an https address of the primary source is required");
  }
  const std::vector<TrustedHost> trusted = TrustedHosts(citation.kind());
  if (std::none_of(trusted.begin(), trusted.end(),
                   [&host](const TrustedHost& h) { return h.host == host; })) {
    return Broken(citation, absl::StrCat("url: ", host,
                                         " is not an official or indexed "
                                         "host for this kind of source"));
  }
  if (!citation.doi().empty() && !absl::StartsWith(citation.doi(), "10.")) {
    return Broken(citation, "doi: a DOI starts with 10.");
  }
  if (!citation.pmid().empty() && !IsDigits(citation.pmid())) {
    return Broken(citation, "pmid: a PMID is digits");
  }
  if (host == "doi.org" &&
      citation.url() != absl::StrCat("https://doi.org/", citation.doi())) {
    return Broken(citation, "url: a doi.org link is https://doi.org/ and the doi field");
  }
  if (host == "pubmed.ncbi.nlm.nih.gov" &&
      !absl::StartsWith(citation.url(), absl::StrCat("https://pubmed.ncbi.nlm.nih.gov/",
                                                     citation.pmid()))) {
    return Broken(citation, "url: a PubMed link names the pmid field");
  }
  switch (citation.kind()) {
    case v1::Citation::LABEL:
      if (citation.set_id().empty() && citation.regulator_document().empty()) {
        return Broken(citation, "a label needs its set_id or regulator_document");
      }
      if (!citation.set_id().empty() && !IsUuid(citation.set_id())) {
        return Broken(citation, "set_id: an SPL set id is a UUID");
      }
      if (host == "dailymed.nlm.nih.gov" &&
          (citation.set_id().empty() ||
           !absl::StrContains(absl::AsciiStrToLower(citation.url()),
                              absl::StrCat("setid=", absl::AsciiStrToLower(
                                                         citation.set_id()))))) {
        return Broken(citation, "url: a DailyMed link names the label's set_id");
      }
      break;
    case v1::Citation::LITERATURE:
      if (citation.doi().empty() && citation.pmid().empty()) {
        return Broken(citation, "a paper needs its doi or pmid");
      }
      break;
    default:
      break;
  }
  return absl::OkStatus();
}

}  // namespace dystonia
