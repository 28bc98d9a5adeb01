/*
 * pcaploop - the baseline of bench/capture.sh: a bare pcap_next_ex loop over
 * a capture that touches every packet's first byte and counts bytes.
 * Prints "packets bytes".
 */
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	unsigned long long n = 0, bytes = 0, sum = 0;
	pcap_t *p;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: pcaploop FILE\n");
		return 2;
	}
	p = pcap_open_offline_with_tstamp_precision(argv[1], PCAP_TSTAMP_PRECISION_NANO, err);
	if (!p) {
		fprintf(stderr, "pcaploop: %s\n", err);
		return 2;
	}
	while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
		n++;
		bytes += h->caplen;
		if (h->caplen)
			sum += d[0];
	}
	pcap_close(p);
	printf("%llu %llu %llu\n", n, bytes, sum & 1);
	return rc == PCAP_ERROR_BREAK ? 0 : 2;
}
